import type { Migration } from 'kysely';
import * as accounts from './20261123_0001_accounts.ts';
import * as conversations from './20261123_0002_conversations.ts';
import * as uploads from './20261123_0003_uploads.ts';
import * as robot from './20261123_0004_robot.ts';
import * as messageChanges from './20261201_0005_message_changes.ts';
import * as missedMail from './20261201_0010_missed_mail.ts';
import * as mutes from './20261202_0011_mutes.ts';
import * as search from './20261202_0012_search.ts';
import * as blocks from './20261202_0013_blocks.ts';
import * as profile from './20261202_0014_profile.ts';
import * as devices from './20261202_0015_devices.ts';
import * as identityProviders from './20261202_0016_identity_providers.ts';
import * as twoFactor from './20261202_0017_two_factor.ts';
import * as searchPerMember from './20261202_0018_search_per_member.ts';

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
  '20261202_0011_mutes': mutes,
  '20261202_0012_search': search,
  '20261202_0013_blocks': blocks,
  '20261202_0014_profile': profile,
  '20261202_0015_devices': devices,
  '20261202_0016_identity_providers': identityProviders,
  '20261202_0017_two_factor': twoFactor,
  '20261202_0018_search_per_member': searchPerMember,
};
