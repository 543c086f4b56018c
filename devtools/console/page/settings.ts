// The simulated world's form: locale, the user's profile and permission, how SES answers, and the
// skill's abuse limits (fixed at start: --limit). Each control applies as soon as it changes (a text
// box on Enter or when it loses focus), and says so; the server checks each value as the command
// line does and says in a sentence what is wrong.

import { ApiError, type Settings, type SteeredConversationState } from './api.ts';
import { byId, h } from './dom.ts';

const LOCALE_NAMES: Readonly<Record<string, string>> = { 'en-US': 'English (US)', 'ja-JP': '日本語 (Japanese)' };

const SETTING_FIELDS: Readonly<Record<string, string>> = {
  locale: 'locale',
  email: 'email',
  givenName: 'given-name',
  emailPermission: 'permission',
  ses: 'ses',
};

export interface SettingsForm {
  /** Shows the world as the server has it. */
  show(state: SteeredConversationState): void;
}

export function settingsForm(apply: (settings: Settings) => Promise<void>): SettingsForm {
  const form = byId<HTMLFormElement>('settings');
  const locale = byId<HTMLSelectElement>('locale');
  const email = byId<HTMLInputElement>('email');
  const noEmail = byId<HTMLInputElement>('no-email');
  const givenName = byId<HTMLInputElement>('given-name');
  const permission = byId<HTMLInputElement>('permission');
  const ses = byId<HTMLSelectElement>('ses');
  const limits = byId('limits');
  const error = byId('settings-error');
  const status = byId('settings-status');

  const clearError = () => {
    error.textContent = '';
    for (const id of Object.values(SETTING_FIELDS)) byId(id).removeAttribute('aria-invalid');
  };

  const submit = async (settings: Settings, what: string) => {
    clearError();
    try {
      await apply(settings);
      status.textContent = `${what} applied.`;
    } catch (problem) {
      if (!(problem instanceof ApiError)) throw problem;
      error.textContent = problem.message;
      const field = problem.setting ? SETTING_FIELDS[problem.setting] : undefined;
      if (field) {
        byId(field).setAttribute('aria-invalid', 'true');
        byId(field).focus();
      }
    }
  };

  const user = (): NonNullable<Settings['user']> => ({
    email: noEmail.checked ? null : email.value.trim(),
    givenName: givenName.value.trim() === '' ? null : givenName.value.trim(),
    emailPermission: permission.checked,
  });

  locale.addEventListener('change', () => void submit({ locale: locale.value }, `Locale ${locale.value}`));
  ses.addEventListener('change', () => void submit({ ses: ses.value }, `SES behaviour ${ses.value}`));
  permission.addEventListener(
    'change',
    () => void submit({ user: { emailPermission: permission.checked } }, 'Permission'),
  );
  noEmail.addEventListener('change', () => {
    email.disabled = noEmail.checked;
    void submit({ user: user() }, 'Email address');
  });
  email.addEventListener('change', () => void submit({ user: { email: email.value.trim() } }, 'Email address'));
  givenName.addEventListener(
    'change',
    () => void submit({ user: { givenName: user().givenName ?? null } }, 'Given name'),
  );
  // Enter in a text box has already applied it, through its change event.
  form.addEventListener('submit', (event) => event.preventDefault());

  return {
    show(state) {
      locale.replaceChildren(
        ...state.locales.map((code) =>
          h('option', { value: code, selected: code === state.locale }, `${LOCALE_NAMES[code] ?? code} — ${code}`),
        ),
      );
      ses.replaceChildren(
        ...state.sesBehaviours.map((name) => h('option', { value: name, selected: name === state.ses }, name)),
      );
      noEmail.checked = state.user.email === null;
      email.disabled = noEmail.checked;
      email.value = state.user.email ?? '';
      givenName.value = state.user.givenName ?? '';
      permission.checked = state.user.emailPermission;
      const cap =
        state.limit === 0
          ? 'No daily cap'
          : `At most ${state.limit} mail${state.limit === 1 ? '' : 's'} a day per Alexa user (a UTC day)`;
      limits.textContent = `${cap}; the same mail asked again within a minute is sent once. Start the console with --limit N to change the cap.`;
    },
  };
}
