// nodemailer's MailComposer, which only a mail with a note needs: compose.ts imports this module
// dynamically, so the build puts it into a chunk of its own. A named export reads the same whether
// the import() meets this ES module (tsx, vitest) or the CommonJS chunk the build makes of it.

export { default as MailComposer } from 'nodemailer/lib/mail-composer';
