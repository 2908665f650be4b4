export type CardAction = 'approve' | 'reject';
export type ParamMap = Record<string, string>;

/** A button as the user sees it: its id (actionIds) and the 回传参数 it sends back. */
export interface SimCardButton {
  id: CardAction;
  text: string;
  params: ParamMap;
}

/** What a user sees in the robot chat: the card's public data, their private data, and the live buttons. */
export interface SimCardView {
  outTrackId: string;
  cardTemplateId: string;
  cardParamMap: ParamMap;
  privateParamMap: ParamMap;
  buttons: SimCardButton[];
}

/**
 * The approval template as published in the card builder (the contract in src/channels/dingtalk/dingtalk.card.ts):
 * two 回传请求 buttons whose params are bound to variables, both hidden when `showActions` is "false". Variables
 * resolve from the user's private data first, then the public data, as DingTalk does for 私有 variables.
 */
const BUTTONS: { id: CardAction; text: string; params: ParamMap }[] = [
  {
    id: 'approve',
    text: 'Approve',
    params: { action: 'approve', ticketId: '${ticketId}', tenant: '${tenant}', nonce: '${nonce}' },
  },
  {
    id: 'reject',
    text: 'Reject',
    params: { action: 'reject', ticketId: '${ticketId}', tenant: '${tenant}', nonce: '${nonce}' },
  },
];

function resolve(params: ParamMap, vars: ParamMap): ParamMap {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, v.replace(/\$\{(\w+)\}/g, (_, name: string) => vars[name] ?? '')]),
  );
}

export function viewOf(
  card: { outTrackId: string; cardTemplateId: string },
  publicData: ParamMap,
  privateData: ParamMap,
): SimCardView {
  const vars = { ...publicData, ...privateData };
  // The button labels are template variables too (approveText / rejectText, in the reader's language).
  const label = (b: (typeof BUTTONS)[number]) => vars[`${b.id}Text`] ?? b.text;
  const buttons =
    vars.showActions === 'false' ? [] : BUTTONS.map((b) => ({ ...b, text: label(b), params: resolve(b.params, vars) }));
  return {
    outTrackId: card.outTrackId,
    cardTemplateId: card.cardTemplateId,
    cardParamMap: publicData,
    privateParamMap: privateData,
    buttons,
  };
}

/** The view of one recipient (by DingTalk userId) from the card instance's data. */
export function renderView(
  card: { outTrackId: string; cardTemplateId: string; publicData: ParamMap; privateData: Record<string, ParamMap> },
  userId: string,
): SimCardView {
  return viewOf(card, card.publicData, card.privateData[userId] ?? {});
}

/** Update semantics shared by the update API and callback answers: overwrite by default, merge when `byKey`. */
export function mergeParams(old: ParamMap, next: ParamMap | undefined, byKey: boolean | undefined): ParamMap {
  if (next === undefined) return old;
  return byKey ? { ...old, ...next } : next;
}
