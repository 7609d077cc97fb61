/**
 * The consumer login secret, compared in constant time: both sides are hashed first (equal lengths
 * for timingSafeEqual, and the time does not depend on where they differ or on the key's length).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function loginKeyMatches(configured: string, presented: string): boolean {
  return timingSafeEqual(digest(configured), digest(presented));
}
