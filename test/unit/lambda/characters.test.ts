import { describe, expect, it } from 'vitest';
import { firstCharacter, hasInvisible, withoutInvisible } from '../../../lambda/characters.ts';

describe('the characters a listener or a header may get', () => {
  it('keeps letters, marks, numbers, punctuation, symbols and spaces, in any script', () => {
    const visible = 'Taro-san 花子 e\u0301 42 ¥ 😀\u00a0!';
    expect(withoutInvisible(visible)).toBe(visible);
    expect(hasInvisible(visible)).toBe(false);
  });

  it.each([
    ['a right-to-left override', '\u202E'],
    ['an isolate', '\u2066'],
    ['a zero-width space', '\u200B'],
    ['a byte-order mark', '\uFEFF'],
    ['a control', '\u001B'],
    ['a line separator', '\u2028'],
    ['a lone surrogate', '\uD83D'],
    ['a noncharacter', '\uFFFE'],
    ['a private-use character', '\uE000'],
  ])('drops %s', (_name, character) => {
    expect(hasInvisible(`a${character}b`)).toBe(true);
    expect(withoutInvisible(`a${character}b`)).toBe('ab');
    expect(withoutInvisible(`a${character}b`, ' ')).toBe('a b');
  });
});

describe('firstCharacter', () => {
  it.each([
    ['taro', 't'],
    ['😀', '😀'],
    ['👍🏽ok', '👍🏽'],
    ['e\u0301mile', 'e\u0301'],
    ['\u202Eevil', 'e'],
    ['', ''],
  ])('of %j is %j, whole', (text, first) => {
    expect(firstCharacter(text)).toBe(first);
  });
});
