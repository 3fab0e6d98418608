import { createSession, type NewDevice } from '../auth/sessions.ts';
import type { Db } from '../infra/db/database.ts';

export const ROBOT_USERNAME = 'robot';

/** The robot runs on the server itself: no browser, no address of its own. */
const ROBOT_DEVICE: NewDevice = { kind: 'token', userAgent: null, ip: null };

/** A fresh session for the robot's account, which cannot sign in with a password. */
export async function mintRobotSession(db: Db): Promise<string> {
  const robot = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', ROBOT_USERNAME)
    .where('is_bot', '=', 1)
    .executeTakeFirst();
  if (!robot) throw new Error('the robot account is missing: run the migrations');
  return (await createSession(db, robot.id, Date.now(), ROBOT_DEVICE)).token;
}
