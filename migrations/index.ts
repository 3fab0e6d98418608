import type { Migration } from 'kysely';
import * as accounts from './20261123_0001_accounts.ts';
import * as conversations from './20261123_0002_conversations.ts';
import * as uploads from './20261123_0003_uploads.ts';
import * as robot from './20261123_0004_robot.ts';
import * as messageChanges from './20261201_0005_message_changes.ts';
import * as missedMail from './20261201_0010_missed_mail.ts';
import * as search from './20261202_0012_search.ts';

/**
 * Every migration, by name. Listed statically (not read from the folder at run time) so that the
 * bundled server carries them; names sort in the order they must run.
 */
export const migrations: Record<string, Migration> = {
  '20261123_0001_accounts': accounts,
  '20261123_0002_conversations': conversations,
  '20261123_0003_uploads': uploads,
  '20261123_0004_robot': robot,
  '20261201_0005_message_changes': messageChanges,
  '20261201_0010_missed_mail': missedMail,
  '20261202_0012_search': search,
};
