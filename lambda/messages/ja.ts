// Japanese (ja-JP): every sentence Alexa speaks or shows, and the words of the mail
// (its layout is mailTemplate.ts's).

import type { WaitForReset } from '../limits/window.ts';
import { mailTemplate } from './mailTemplate.ts';
import type { Messages } from './types.ts';

const skillName = 'メールセンダー';

function waitInJapanese({ unit, count }: WaitForReset): string {
  return `${count}${unit === 'hours' ? '時間' : '分'}`;
}

export const ja: Messages = {
  locale: 'ja-JP',
  skillName,
  launch: `${skillName}へようこそ。Amazonアカウントのメールアドレスにメールを送ります。「メールを送って」、またはメモを添えて「牛乳を買うというメールを送って」と言ってください。`,
  launchReprompt: 'メールを送りましょうか？',
  // Help ends with the offer, as launch does, so that 「はい」 sends and 「いいえ」 says goodbye.
  help: `${skillName}は、Amazonアカウントに登録されたあなたのメールアドレスにだけメールを送ります。「メールを送って」と言ってください。メモを入れるときは「〇〇というメールを送って」と言ってください。今メールを送りましょうか？`,
  helpReprompt: 'メールを送りましょうか？',
  goodbye: 'さようなら。',
  fallback: `すみません、${skillName}ではそれはできません。「メールを送って」と言ってみてください。`,
  fallbackReprompt: 'メールを送りましょうか？',
  sent: (initial, domain, note) => {
    const address = `${domain} の、<say-as interpret-as="characters">${initial}</say-as> で始まるあなたのアドレス`;
    if (!note) return `送信しました。${address}にメールを送りました。`;
    return `送信しました。${address}に、「${note.text}」${note.complete ? 'という' : 'で始まる'}メモを添えてメールを送りました。`;
  },
  sentCardTitle: 'メールを送信しました',
  sentCardText: (masked) => `${masked} に送信しました。初回は迷惑メールフォルダーも確認してください。`,
  permissionNeeded: `メールを送るには、${skillName}がメールアドレスを読み取る許可が必要です。Alexaアプリにカードを送りましたので、そこから許可してください。`,
  noEmailOnProfile:
    'Amazonアカウントにメールアドレスが登録されていません。Alexaアプリのプロフィールで登録してから、もう一度お試しください。',
  profileUnavailable:
    'すみません、今はAmazonのプロフィールを読み取れませんでした。少し待ってからもう一度お試しください。',
  notConfigured:
    'すみません、このスキルはまだメールを送る設定ができていません。スキルの管理者が設定を完了する必要があります。',
  mailFailed: (failure) => {
    switch (failure.kind) {
      case 'recipient-not-verified':
        return 'すみません、まだメールを送れません。このスキルのメールアカウントはAmazon SESのサンドボックスにあり、あなたのアドレスが検証されていません。';
      case 'sender-not-verified':
        return 'すみません、このスキルの送信元アドレスがAmazon SESでまだ検証されていません。管理者が設定を完了する必要があります。';
      case 'rejected':
        return 'すみません、メールサービスがこのメールを受け付けませんでした。';
      case 'daily-quota':
        return 'すみません、このスキルは今日送れるメールの上限に達しました。明日もう一度お試しください。';
      case 'throttled':
        return 'すみません、メールサービスが混み合っています。1分ほどしてからもう一度お試しください。';
      case 'sending-paused':
        return 'すみません、このスキルのメールアカウントは送信が停止されています。管理者が確認する必要があります。';
      case 'not-authorized':
        return 'すみません、このスキルは今メールを送る権限がありません。管理者がキーを確認する必要があります。';
      case 'role-refused':
        return 'すみません、メールを送るための権限を受け取れませんでした。管理者がAWSアカウントのロールの設定を確認する必要があります。';
      case 'unavailable':
        return 'すみません、今はメールサービスにつながりませんでした。少し待ってからもう一度お試しください。';
      case 'unknown':
        return 'すみません、メールを送れませんでした。後でもう一度お試しください。';
    }
  },
  mailMayStillArrive:
    'すみません、メールサービスから時間内に返事がなく、メールが送られたかどうか分かりません。これから届くかもしれませんので、数分後に受信トレイを確認してから、もう一度お試しください。',
  dailyLimitReached: (cap, wait) =>
    `すみません、今日送れるメールの上限、${cap}通に達しました。あと${waitInJapanese(wait)}以内に、また送れるようになります。`,
  accountLimitReached: (wait) =>
    `すみません、このスキルは今日送れるメールの上限に達しました。あと${waitInJapanese(wait)}以内に、また送れるようになります。`,
  justSent:
    'そのメールはついさっき送りましたので、二重には送りません。受信トレイと迷惑メールフォルダーを確認してください。届いていないときは、1分ほどしてからもう一度お試しください。',
  somethingWentWrong: 'すみません、問題が発生しました。もう一度お試しください。',
  mailContent: mailTemplate({
    senderName: skillName,
    subject: (withNote) => (withNote ? `${skillName}からのメモ` : `${skillName}からのメール`),
    greeting: (givenName) => (givenName ? `${givenName}さん、こんにちは。` : 'こんにちは。'),
    intro: 'Alexaにお願いされたメールをお届けします。',
    noteHeading: 'メモ:',
    noteAttached: 'メモはテキストファイルとしても添付しています。',
    footer: `このメールは、Amazonアカウントのご本人のアドレスにだけ送信するAlexaスキル「${skillName}」から送られました。`,
    noteFileName: 'memo.txt',
  }),
};
