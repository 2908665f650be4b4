import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isTimeZone, LOCALES } from '../../src/i18n/locale.js';
import { TimeZone } from '../../src/i18n/locale-schema.js';
import { CATALOGUES, say, text, type MessageKey } from '../../src/i18n/say.js';
import { EN_US } from '../../src/i18n/messages.en-US.js';
import { formatInstant } from '../../src/i18n/time.js';

const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogue', () => {
  test('every language has every key, none empty, with the same placeholders as English', () => {
    const keys = Object.keys(EN_US) as MessageKey[];
    for (const locale of LOCALES) {
      const catalogue = CATALOGUES[locale];
      assert.deepEqual(Object.keys(catalogue).sort(), [...keys].sort(), `${locale}: the same keys`);
      for (const key of keys) {
        assert.ok(catalogue[key].trim().length > 0, `${locale} ${key} is empty`);
        assert.deepEqual(placeholders(catalogue[key]), placeholders(EN_US[key]), `${locale} ${key}: placeholders`);
      }
    }
  });

  test('Chinese and Japanese texts are translated, not English left in place', () => {
    for (const locale of ['zh-CN', 'ja-JP'] as const) {
      for (const [key, template] of Object.entries(CATALOGUES[locale])) {
        const words = template.replace(/\{\w+\}/g, '');
        assert.ok(/[\u3040-\u30ff\u4e00-\u9fff\uff00-\uffef]/.test(words), `${locale} ${key}: "${template}"`);
      }
    }
  });

  test("names, numbers and times are filled in by the reader's conventions", () => {
    const shanghai = { locale: 'zh-CN', timeZone: 'Asia/Shanghai', ownZone: true } as const;
    const at = { at: '2026-12-05T22:20:00.000Z' };
    assert.equal(
      say(shanghai, text('card.outcome.approved', { name: '李四', time: at })),
      '已由 李四 于 12月6日 06:20 批准',
    );
    const expired = text('card.outcome.expired', { time: at });
    const every = Object.fromEntries(LOCALES.map((locale) => [locale, say({ locale, timeZone: 'UTC' }, expired)]));
    assert.deepEqual(every, {
      'zh-CN': '已于 12月5日 22:20 (UTC) 过期',
      'en-US': 'Expired at Dec 5, 22:20 (UTC)',
      'ja-JP': '12月5日 22:20 (UTC) に期限切れになりました',
    });
    assert.equal(say(shanghai, text('card.escalationLevel', { level: 1000 })), '已升级至第 1,000 级');
    assert.equal(say(shanghai, text('card.title.approved', { name: '' })), '已由 某人 批准', 'an unknown decider');
  });
});

describe('times', () => {
  test("by Intl in the reader's zone; the zone is named unless it is their own", () => {
    const iso = '2026-12-05T22:20:00.000Z';
    assert.equal(formatInstant(iso, { locale: 'en-US', timeZone: 'America/New_York', ownZone: true }), 'Dec 5, 17:20');
    assert.equal(formatInstant(iso, { locale: 'en-US', timeZone: 'Asia/Shanghai' }), 'Dec 6, 06:20 (GMT+8)');
    assert.equal(formatInstant('not a time', { locale: 'ja-JP', timeZone: 'UTC' }), 'not a time');
  });

  test('time zones are IANA names the platform knows', () => {
    assert.ok(isTimeZone('Asia/Shanghai') && isTimeZone('UTC'));
    assert.ok(!isTimeZone('Mars/Olympus_Mons'));
    assert.equal(TimeZone.safeParse('Asia/Tokyo').success, true);
    assert.equal(TimeZone.safeParse('GMT+8 please').success, false);
  });
});
