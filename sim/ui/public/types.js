// Shapes the page reads from the simulator's control API (sim/core/inbox.ts, sim/dingtalk/template.ts). Types only.

/** @typedef {'feishu' | 'lark' | 'dingtalk' | 'dingtalk-exclusive'} Platform */
/** @typedef {'approve' | 'reject'} Action */

/**
 * @typedef {object} SimUser
 * @property {string} id
 * @property {string} [name]
 * @property {string} [locale]  the language of the user's chat app (zh-CN, en-US, ja-JP)
 */

/**
 * @typedef {object} Revision
 * @property {number} at
 * @property {'send' | 'update' | 'callback'} source
 * @property {string} [viewOf]
 */

/**
 * @typedef {object} ClickRecord
 * @property {number} at
 * @property {string} userId
 * @property {string} action
 * @property {number} [status]
 * @property {unknown} [toast]
 * @property {{ code: number | string, msg: string }} [clientError]
 * @property {boolean} cardApplied
 */

/**
 * A message in one user's chat, with `view` = what that user sees (Feishu: the card JSON; DingTalk: SimCardView).
 * @typedef {object} Message
 * @property {string} id
 * @property {Platform} platform
 * @property {string} userId
 * @property {string} msgType
 * @property {unknown} view
 * @property {string} [parentId]
 * @property {number} createdAt
 * @property {number} updatedAt
 * @property {Revision[]} history
 * @property {ClickRecord[]} clicks
 */

/**
 * What a platform renderer gets besides the message: how to press a button the way the user's phone would.
 * @typedef {object} RenderContext
 * @property {(action: Action) => void} click
 * @property {boolean} busy  a click on this message is on its way
 * @property {string} lang  the client's language as card JSON names it (zh_cn, en_us, ja_jp)
 */

/**
 * @typedef {object} PlatformView
 * @property {string} label
 * @property {string} bot   the name the bot's chat carries
 * @property {(message: Message, ctx: RenderContext) => HTMLElement} render
 */

export {};
