// What Alexa reads back of a dictated note: the whole of a short one, the start of a long one cut
// between words in either language, and nothing for a note with no word in it.

import { describe, expect, it } from 'vitest';
import { spokenNote } from '../../../lambda/note.ts';

describe('spokenNote', () => {
  it('reads a short note whole, without the full stop that would end Alexa’s sentence', () => {
    expect(spokenNote('buy milk.', 'en-US')).toEqual({ text: 'buy milk', complete: true });
    expect(spokenNote('牛乳を買う。', 'ja-JP')).toEqual({ text: '牛乳を買う', complete: true });
  });

  it('puts a note’s lines on one line', () => {
    expect(spokenNote('buy milk\n\tand eggs', 'en-US')).toEqual({ text: 'buy milk and eggs', complete: true });
  });

  it('stops after twelve words', () => {
    const note = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen';
    expect(spokenNote(note, 'en-US')).toEqual({
      text: 'one two three four five six seven eight nine ten eleven twelve',
      complete: false,
    });
  });

  it('stops between words before 80 characters', () => {
    const note = `${'abcdefghij '.repeat(7)}abcdefghijkl`;
    const spoken = spokenNote(note, 'en-US');
    expect(spoken).toEqual({ text: 'abcdefghij '.repeat(7).trim(), complete: false });
  });

  it('cuts a Japanese note between words, never inside one', () => {
    const note = '明日の朝までに牛乳と卵とパンとバターとチーズとりんごとみかんを買って、夕方には郵便局で荷物を受け取る';
    const spoken = spokenNote(note, 'ja-JP');
    expect(spoken?.complete).toBe(false);
    expect(note.startsWith(spoken?.text ?? '')).toBe(true);
    const words = [...new Intl.Segmenter('ja-JP', { granularity: 'word' }).segment(note)].map((s) => s.index);
    expect(words).toContain(spoken?.text.length);
  });

  it('cuts a first word longer than the allowance inside it', () => {
    const spoken = spokenNote('supercalifragilistic'.repeat(6), 'en-US');
    expect(spoken?.complete).toBe(false);
    expect(spoken?.text).toBe('supercalifragilistic'.repeat(4));
  });

  it('reads only what SSML can hold: no control, format or noncharacter code points', () => {
    expect(spokenNote('buy\u0000 milk\u200b\uFFFE\u001b[31m now', 'en-US')).toEqual({
      text: 'buy milk [31m now',
      complete: true,
    });
  });

  it('has nothing to read back from punctuation alone', () => {
    expect(spokenNote('?!…', 'en-US')).toBeUndefined();
  });
});
