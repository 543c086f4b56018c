// Voice, where the browser has it, off until the user turns it on: answers read aloud through
// speechSynthesis in the conversation's language, and words heard through the Web Speech API.

interface Recognition {
  lang: string;
  interimResults: boolean;
  onresult: ((event: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null;
  onerror: ((event: { error: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
}

type RecognitionConstructor = new () => Recognition;

function recognitionConstructor(): RecognitionConstructor | undefined {
  const scope = window as unknown as {
    SpeechRecognition?: RecognitionConstructor;
    webkitSpeechRecognition?: RecognitionConstructor;
  };
  return scope.SpeechRecognition ?? scope.webkitSpeechRecognition;
}

export const canSpeak = (): boolean => 'speechSynthesis' in window;
export const canListen = (): boolean => recognitionConstructor() !== undefined;

/** Reads `text` aloud with a voice of `locale`, or the browser's default voice for it. */
export function speak(text: string, locale: string): void {
  if (!canSpeak() || !text) return;
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = locale;
  const voice = speechSynthesis.getVoices().find((candidate) => candidate.lang.replace('_', '-') === locale);
  if (voice) utterance.voice = voice;
  speechSynthesis.cancel();
  speechSynthesis.speak(utterance);
}

/** Listens once in `locale`; resolves with what was heard, or rejects with why nothing was. */
export function listen(locale: string): Promise<string> {
  const Constructor = recognitionConstructor();
  if (!Constructor) return Promise.reject(new Error('This browser has no speech recognition.'));
  return new Promise((resolve, reject) => {
    const recognition = new Constructor();
    recognition.lang = locale;
    recognition.interimResults = false;
    let heard = '';
    recognition.onresult = (event) => {
      heard = event.results[0]?.[0]?.transcript ?? '';
    };
    recognition.onerror = (event) => reject(new Error(`Speech recognition failed: ${event.error}.`));
    recognition.onend = () => (heard ? resolve(heard) : reject(new Error('Nothing was heard.')));
    recognition.start();
  });
}
