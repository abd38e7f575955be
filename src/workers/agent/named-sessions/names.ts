/** Generated session names: adjective + noun (`swiftfox`), unique within the agent. */
import { randomInt } from '../../../shared/lazy-crypto.js';

const ADJECTIVES = ['red', 'swift', 'calm', 'bold', 'quiet', 'bright', 'lucky', 'brave', 'sly', 'keen', 'wild', 'dark', 'pale', 'gold', 'blue', 'green'];
const NOUNS = ['owl', 'fox', 'wolf', 'hawk', 'bear', 'lynx', 'crow', 'hare', 'seal', 'moth', 'wren', 'elk', 'pike', 'toad', 'yak', 'orca'];
const TRIES = 50;

export function generateName(taken: (name: string) => boolean): string {
  const pick = () => `${ADJECTIVES[randomInt(ADJECTIVES.length)]}${NOUNS[randomInt(NOUNS.length)]}`;
  for (let i = 0; i < TRIES; i += 1) {
    const name = pick();
    if (!taken(name)) return name;
  }
  const base = pick();
  for (let n = 2; ; n += 1) if (!taken(`${base}${n}`)) return `${base}${n}`;
}

/** The scoped session another agent talks to. */
export function interAgentName(sender: string): string {
  return `ia-${sender}`.slice(0, 40);
}
