// The console page: a conversation with the skill as in the Alexa developer console's Test tab,
// the session's state, the mail it sent, and the simulated world, all through the simulator's API.

import { ApiError, api, type SteeredConversationState, type Turn } from './api.ts';
import { byId } from './dom.ts';
import { addMail, openMail } from './mails.ts';
import { settingsForm } from './settings.ts';
import { canListen, canSpeak, listen, speak } from './speech.ts';
import { turnView } from './turns.ts';

const turnList = byId<HTMLOListElement>('turns');
const mailList = byId<HTMLOListElement>('mails');
const sayForm = byId<HTMLFormElement>('say-form');
const utterance = byId<HTMLInputElement>('utterance');
const answer = byId('answer');
const sayError = byId('say-error');
const busy = byId('busy');
const speakAnswers = byId<HTMLInputElement>('speak-answers');
const listenButton = byId<HTMLButtonElement>('listen');

let state: SteeredConversationState | undefined;
let turnCount = 0;
let mailCount = 0;

function showState(next: SteeredConversationState): void {
  state = next;
  settings.show(next);
  document.title = `${next.skillName} — offline Alexa console`;
  byId('skill-name').textContent = next.skillName;
  byId<HTMLAnchorElement>('outbox-link').href = next.outboxUrl;
  byId('examples').textContent = `Try: “${next.examples.join('”, or “')}”`;
  utterance.lang = next.locale;
  const session = next.session.open ? 'A session is open.' : 'No session is open: the next words start one.';
  byId('session-line').textContent = session;
  byId('session-state').textContent = next.session.open
    ? 'Open. Its attributes, as the skill last returned them:'
    : 'No session is open.';
  byId('attributes').textContent = next.session.open ? JSON.stringify(next.session.attributes, null, 2) : '';
  const saved = byId('recorded');
  saved.textContent =
    next.recorded === 0
      ? 'Nothing said yet since the world last changed.'
      : `${next.recorded} utterance(s) in ${next.locale} since the world last changed.`;
  byId('save-replay').setAttribute('aria-describedby', 'recorded');
}

function grantPermission(): void {
  void applySettings({ user: { emailPermission: true } }).then(() => {
    for (const button of document.querySelectorAll<HTMLButtonElement>('button.grant')) {
      button.replaceWith(
        Object.assign(document.createElement('p'), { className: 'note', textContent: 'Granted: ask again.' }),
      );
    }
    answer.textContent = 'Permission granted. Ask again.';
    utterance.focus();
  });
}

function showTurn(turn: Turn): void {
  turnCount++;
  // The turn's own language, which a closing turn after a change of locale does not share with the page.
  const locale = turn.exchanges[0]?.request.request.locale ?? state?.locale ?? 'en-US';
  turnList.append(
    turnView(turn, turnCount, locale, {
      grantPermission,
      permissionGranted: () => state?.user.emailPermission ?? false,
      showMail: openMail,
    }),
  );
  for (const mail of turn.mails) addMail(mailList, mail, mailCount++);
  byId('mail-count').textContent = String(mailCount);
  byId('no-mail').hidden = mailCount > 0;
  turnList.lastElementChild?.scrollIntoView({ block: 'nearest' });
}

/** Tells a screen reader, and a listener when voice is on, what Alexa said. */
function announce(turn: Turn): void {
  const words = turn.speech ?? turn.note ?? (turn.exchanges.length > 0 ? 'Alexa says nothing.' : '');
  answer.textContent = `Alexa: ${words}`;
  if (speakAnswers.checked && turn.speech) speak(turn.speech, state?.locale ?? 'en-US');
}

async function say(text: string): Promise<void> {
  sayError.textContent = '';
  busy.hidden = false;
  try {
    const { turn, state: next } = await api.say(text);
    showTurn(turn);
    showState(next);
    announce(turn);
    utterance.value = '';
  } catch (error) {
    sayError.textContent = error instanceof ApiError ? error.message : `The console did not answer: ${String(error)}`;
  } finally {
    busy.hidden = true;
    utterance.focus();
  }
}

async function applySettings(settings: Parameters<typeof api.configure>[0]): Promise<void> {
  const { closing, state: next } = await api.configure(settings);
  if (closing) showTurn(closing);
  showState(next);
}

const settings = settingsForm(applySettings);

sayForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = utterance.value.trim();
  if (text) void say(text);
});

byId('new-session').addEventListener('click', () => {
  void api.newSession().then(({ closing, state: next }) => {
    if (closing) showTurn(closing);
    showState(next);
    answer.textContent = closing ? 'The session ended. The next words start a new one.' : 'No session was open.';
    utterance.focus();
  });
});

function setUpVoice(): void {
  const note = byId('speak-note');
  if (!canSpeak()) {
    speakAnswers.disabled = true;
    note.textContent = 'This browser cannot read text aloud.';
  }
  if (!canListen()) return;
  byId('microphone-option').hidden = false;
  const microphone = byId<HTMLInputElement>('microphone');
  microphone.addEventListener('change', () => {
    listenButton.hidden = !microphone.checked;
  });
  listenButton.addEventListener('click', () => {
    listenButton.disabled = true;
    answer.textContent = 'Listening…';
    listen(state?.locale ?? 'en-US')
      .then((heard) => {
        utterance.value = heard;
        return say(heard);
      })
      .catch((error: unknown) => {
        sayError.textContent = (error as Error).message;
      })
      .finally(() => {
        listenButton.disabled = false;
      });
  });
}

async function start(): Promise<void> {
  setUpVoice();
  const [initial, turns] = await Promise.all([api.state(), api.turns()]);
  showState(initial);
  // After a reload, the conversation so far.
  for (const turn of turns) showTurn(turn);
  document.body.dataset.ready = 'true';
  utterance.focus();
}

void start();
