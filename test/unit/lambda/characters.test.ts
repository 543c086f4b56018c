import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstCharacter, hasInvisible, withoutInvisible } from '../../../lambda/characters.ts';
import { isPlausibleAddress } from '../../../lambda/config.ts';
import { headerSafe } from '../../../lambda/mail/headers.ts';
import { spokenNote } from '../../../lambda/note.ts';

const graphemes = (text: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)];

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
    ['a Hangul choseong filler', '\u115F'],
    ['a Hangul jungseong filler', '\u1160'],
    ['a Hangul filler', '\u3164'],
    ['a halfwidth Hangul filler', '\uFFA0'],
    ['a blank Braille pattern', '\u2800'],
    ['a zero-width joiner between letters', '\u200D'],
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

describe('characters drawn as nothing', () => {
  it('make no address plausible, and no note Alexa would read as silence', () => {
    expect(isPlausibleAddress('a\u3164@example.com')).toBe(false);
    expect(isPlausibleAddress('a\u2800@example.com')).toBe(false);
    expect(spokenNote('\u3164', 'en-US')).toBeUndefined();
    expect(spokenNote('\u2800\u115F\uFFA0', 'ko-KR')).toBeUndefined();
    expect(spokenNote('buy\u3164milk', 'en-US')).toEqual({ text: 'buy milk', complete: true });
  });
});

describe('emoji joined by a zero-width joiner', () => {
  it.each([
    ['a family', '👨\u200D👩\u200D👧'],
    ['a skin tone and a profession', '👩🏽\u200D💻'],
    ['an emoji presentation', '❤\uFE0F\u200D🔥'],
  ])('stay whole: %s', (_name, emoji) => {
    expect(withoutInvisible(emoji)).toBe(emoji);
    expect(firstCharacter(`${emoji}x`)).toBe(emoji);
    expect(headerSafe(`Hi ${emoji}`)).toBe(`Hi ${emoji}`);
  });

  it('keep the joiner only between pictographs', () => {
    expect(headerSafe('👨\u200Dx')).toBe('👨 x');
    expect(withoutInvisible('👨\u202E\u200D👩')).toBe('👨👩');
  });

  it('whatever joins them, the first character is one whole grapheme of the text', () => {
    const pictograph = fc.constantFrom('👨', '👩', '👧', '💻', '🔥', '❤\uFE0F', '👩🏽', '🏳\uFE0F', '🌈');
    const sequence = fc.array(pictograph, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('\u200D'));
    fc.assert(
      fc.property(sequence, fc.string(), (emoji, rest) => {
        expect(firstCharacter(`${emoji}${rest}`)).toBe(emoji);
        expect(graphemes(emoji)).toHaveLength(1);
      }),
    );
  });
});

describe('the rule, for any text', () => {
  it('leaves nothing it would drop, and what it keeps starts with the first character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const kept = withoutInvisible(text);
        expect(hasInvisible(kept)).toBe(false);
        expect(kept.startsWith(firstCharacter(text))).toBe(true);
        expect(graphemes(firstCharacter(text)).length).toBeLessThanOrEqual(1);
      }),
    );
  });
});
