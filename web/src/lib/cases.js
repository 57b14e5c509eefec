// What the cases pages share: the stages, kinds and steps of a case as
// the API names them (src/cases/cases.h), the 执法事项 kind each case kind
// runs under, the penalty kinds of 行政处罚法 Art. 9, and the tag colour of
// each stage and deadline state.  Labels come from i18n (case.*).

export const STAGES = ['lead', 'investigating', 'notified', 'hearing', 'review', 'decided', 'served', 'executed',
  'seized', 'closed', 'archived', 'dropped'];
export const KINDS = ['penalty', 'inspection', 'coercion'];
export const PROCEDURES = ['ordinary', 'simple'];
export const MATTER_KIND = { penalty: '行政处罚', inspection: '行政检查', coercion: '行政强制' };
export const HARMS = ['none', 'slight', 'general', 'serious', 'severe'];
// 行政处罚法 Art. 32 (一)–(五), as the case's circumstances name them.
export const GROUNDS = ['eliminated_harm', 'coerced', 'confessed', 'meritorious', 'other_legal'];
export const SOURCES = ['complaint', 'plan_entry', 'inspection_task', 'referral', 'patrol', 'other'];
export const PARTY_TYPES = ['organisation', 'person'];
// 行政处罚法 Art. 9 (the API's own names; they are the legal terms).
export const PENALTY_KINDS = ['警告', '通报批评', '罚款', '没收违法所得', '没收非法财物', '暂扣许可证件', '降低资质等级',
  '吊销许可证件', '限制开展生产经营活动', '责令停产停业', '责令关闭', '限制从业', '行政拘留'];
export const SERVE_METHODS = ['直接送达', '留置送达', '邮寄送达', '电子送达', '委托送达', '公告送达'];
export const SEIZE_MEASURES = ['查封', '扣押'];
export const DEPT_KINDS = ['market', 'ecology', 'transport', 'emergency', 'urban', 'justice'];
export const LIST_KINDS = ['exempt', 'mitigate', 'no_coercion'];

export const STAGE_TAG = {
  lead: 'info', investigating: 'primary', notified: 'primary', hearing: 'warning', review: 'warning',
  decided: 'success', served: 'success', executed: 'success', seized: 'warning', closed: 'info', archived: 'info',
  dropped: 'info',
};

// overdue red, near orange, met green, no calendar grey.
export const DEADLINE_TAG = {
  overdue: 'danger', near: 'warning', met: 'success', met_late: 'danger', open: 'primary', no_calendar: 'info',
  lapsed: 'info',
};

// A JSON money string ("1234.50") as a number, or null.
export function money(v) {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

// The reviewed label of a step, falling back to the server's own.
export function stepLabel(t, te, step, fallback) {
  const k = 'step.' + step;
  return te(k) ? t(k) : fallback || step;
}
