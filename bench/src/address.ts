import { randomInt } from 'node:crypto';

/**
 * A client address of its own, sent as X-Forwarded-For (the bench's nodes trust one proxy hop, as
 * behind the shipped nginx): real users come from many addresses, and one address for every bench
 * client would run into the per-address limits instead of measuring the server.
 */
export const benchAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
