// nodemailer's MailComposer, which only a mail with a note needs, and its MimeNode, whose header
// encoder gives SendEmail its From: compose.ts imports this module dynamically, so the build puts
// both into one chunk of their own (MailComposer is built on MimeNode, so the chunk is no larger).
// Named exports read the same whether the import() meets this ES module (tsx, vitest) or the
// CommonJS chunk the build makes of it.

export { default as MailComposer } from 'nodemailer/lib/mail-composer';
export { default as MimeNode } from 'nodemailer/lib/mime-node';
