// The skill's own intent and slot names, as skill-package/interactionModels declares them.

export const SEND_EMAIL_INTENT = 'SendEmailIntent';
export const NOTE_SLOT = 'note';
