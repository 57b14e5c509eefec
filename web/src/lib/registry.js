// The registry's kinds as the console's forms and record pages see them:
// each kind's fields in the order a person fills them in (names, types and
// required flags as src/registry/kinds.c has them), who may write each
// kind (kinds.c write_perm, src/auth/role.c), and the names of departments
// for the ids that records carry.  The server checks every value, every
// permission and the data scope again; this only shapes the inputs.
// Labels: i18n regf.<kind>.<field>, falling back to regf.<field>.
import { api } from './api.js';
import { has, session } from './session.js';

export const REG_KINDS = ['entities', 'officers', 'departments', 'matters', 'items', 'conflicts'];

// data/registry/department_kinds.tsv; labels in i18n deptKind.
export const DEPARTMENT_KINDS = ['market', 'ecology', 'transport', 'emergency', 'urban', 'culture', 'agriculture', 'health',
  'resources', 'housing', 'water', 'forestry', 'labor', 'education', 'medicare', 'fire', 'police', 'justice'];
const LEVELS = ['省', '市', '县', '乡'];

// manage_registry: 部门负责人 and 执法监督员; write_business: 执法人员 and
// 部门负责人.
const MANAGE = ['dept_head', 'supervisor'];
const BUSINESS = ['officer', 'dept_head'];
const WRITERS = { departments: MANAGE, officers: MANAGE, matters: MANAGE, items: MANAGE, entities: BUSINESS, conflicts: BUSINESS };

// Whether the signed-in user's roles may write records of kind at all.
export function canWrite(kind) { return has(...(WRITERS[kind] || [])); }

const notAuxiliary = (f) => !f.auxiliary;

// Field types: text, textarea, code, uscc, region, industry, date, select
// (options; i18n names the label group when the values are codes), bool,
// tags (an array of strings, typed as one text with separators), int, department (one id), departments (ids),
// officer (one id), matter (a 行政检查 matter's code), resident (身份证号:
// write-only).  key: the record's code, fixed once it has one.  when: shown
// (and sent) only while it holds for the form's values.  initial: a new
// record's value.
export const FIELDS = {
  departments: [
    { name: 'name', type: 'text', required: true, max: 128 },
    { name: 'uscc', type: 'uscc', required: true, key: true },
    { name: 'kind', type: 'select', required: true, options: DEPARTMENT_KINDS, i18n: 'deptKind' },
    { name: 'level', type: 'select', required: true, options: LEVELS },
    { name: 'region_code', type: 'region', required: true },
    { name: 'parent_id', type: 'department' },
  ],
  officers: [
    { name: 'name', type: 'text', required: true, max: 64 },
    { name: 'department_id', type: 'department', required: true },
    { name: 'department_ids', type: 'departments', max: 16, wide: true },
    { name: 'auxiliary', type: 'bool' },
    { name: 'cert_no', type: 'code', key: true, max: 32, required: true, when: notAuxiliary },
    { name: 'status', type: 'select', required: true, options: ['valid', 'suspended', 'revoked'], i18n: 'certStatus', initial: 'valid' },
    { name: 'cert_from', type: 'date', required: true, when: notAuxiliary },
    { name: 'cert_to', type: 'date', required: true, when: notAuxiliary },
    { name: 'id_number', type: 'resident' },
    { name: 'legal_qualification', type: 'bool' },
    { name: 'areas', type: 'tags', wide: true },
    { name: 'user_id', type: 'int' },
  ],
  entities: [
    { name: 'uscc', type: 'uscc', required: true, key: true },
    { name: 'name', type: 'text', required: true, max: 200 },
    { name: 'kind', type: 'select', required: true, options: ['企业', '个体工商户', '农民专业合作社', '社会组织', '事业单位', '其他'] },
    { name: 'status', type: 'select', options: ['存续', '注销', '吊销'], initial: '存续' },
    { name: 'region_code', type: 'region' },
    { name: 'industry', type: 'industry' },
    { name: 'address', type: 'text', max: 256, wide: true },
    { name: 'legal_rep', type: 'text', max: 64 },
    { name: 'credit_grade', type: 'select', options: ['A', 'B', 'C', 'D'] },
    { name: 'credit_date', type: 'date' },
    { name: 'credit_source', type: 'text', max: 128 },
    { name: 'risk_level', type: 'select', options: ['低', '一般', '较高', '高'] },
    { name: 'tags', type: 'tags', wide: true },
  ],
  matters: [
    { name: 'code', type: 'code', required: true, key: true, max: 32 },
    { name: 'name', type: 'text', required: true, max: 200, wide: true },
    { name: 'kind', type: 'select', required: true, options: ['行政处罚', '行政检查', '行政强制', '行政许可', '行政征收', '行政给付', '行政确认', '行政裁决', '行政奖励', '其他'] },
    { name: 'department_kind', type: 'select', required: true, options: DEPARTMENT_KINDS, i18n: 'deptKind' },
    { name: 'level', type: 'select', required: true, options: LEVELS },
    { name: 'law', type: 'text', required: true, max: 128, wide: true },
    { name: 'article', type: 'text', required: true, max: 64 },
  ],
  items: [
    { name: 'code', type: 'code', required: true, key: true, max: 32 },
    { name: 'name', type: 'text', required: true, max: 200, wide: true },
    { name: 'department_kind', type: 'select', required: true, options: DEPARTMENT_KINDS, i18n: 'deptKind' },
    { name: 'matter_code', type: 'matter', required: true },
    { name: 'method', type: 'select', required: true, options: ['书面检查', '实地核查', '网络监测', '抽样检测', '其他'] },
    { name: 'law', type: 'text', required: true, max: 128, wide: true },
    { name: 'article', type: 'text', required: true, max: 64 },
  ],
  conflicts: [
    { name: 'officer_id', type: 'officer', required: true },
    { name: 'entity_uscc', type: 'uscc', required: true },
    { name: 'reason', type: 'textarea', required: true, max: 256, wide: true },
  ],
};

// Between tags as typed: what the CSV import takes, and the Chinese comma
// and 顿号 a person would type.
const TAG_SEPARATORS = /[;；,，、]/;
const ID_TYPES = ['int', 'department', 'officer'];

// The label of a field, in the current language.
export function fieldLabel(t, te, kind, name) {
  const own = `regf.${kind}.${name}`;
  return te(own) ? t(own) : t('regf.' + name);
}

// The server's error as ErrorAlert shows it, naming the field by its
// label; a field that is no input (id, active) is left unnamed.
export function labelledError(t, te, kind, e) {
  if (!e) return null;
  const f = (FIELDS[kind] || []).find((x) => x.name === e.field);
  return { code: e.code, message: e.message, field: f ? fieldLabel(t, te, kind, f.name) : '' };
}

// The label of a select's value: its i18n name for codes, else the value
// (the catalogue's own Chinese terms).
export function optionLabel(t, te, field, v) {
  const k = field.i18n ? `${field.i18n}.${v}` : '';
  return k && te(k) ? t(k) : String(v);
}

export function visible(field, form) { return !field.when || field.when(form); }

// A field's form value for a record (null: a new one).
function formValue(field, rec) {
  const v = rec ? rec[field.name] : field.initial;
  if (field.type === 'resident') return ''; // never returned, only typed
  if (field.type === 'bool') return !!v;
  if (field.type === 'tags') return Array.isArray(v) ? v.join('；') : '';
  if (field.type === 'departments') return Array.isArray(v) ? [...v] : [];
  if (ID_TYPES.includes(field.type)) return v === null || v === undefined || v === '' ? null : v;
  return v === null || v === undefined ? '' : String(v);
}

export function formFor(kind, rec) {
  const f = {};
  for (const field of FIELDS[kind]) f[field.name] = formValue(field, rec);
  return f;
}

// A form value as the API takes it (null: empty).
function apiValue(field, v) {
  if (field.type === 'bool') return !!v;
  if (field.type === 'departments') return Array.isArray(v) && v.length ? [...v].sort((x, y) => x - y) : null; // kept ascending
  if (field.type === 'tags') {
    const tags = String(v || '').split(TAG_SEPARATORS).map((x) => x.trim()).filter(Boolean);
    return tags.length ? tags : null;
  }
  if (field.type === 'int') {
    const s = v === null || v === undefined ? '' : String(v).trim();
    if (!s) return null;
    return /^\d+$/.test(s) ? Number(s) : s; // the server names a wrong type
  }
  if (v === null || v === undefined) return null;
  if (ID_TYPES.includes(field.type)) return v === '' ? null : v;
  const s = String(v).trim(); // as the server keeps it
  return s === '' ? null : s;
}

// The request body: for a new record every field with a value; for a
// change (rec, the record as read) only the fields that differ from it,
// an emptied one as null.  The ID number only when one was typed; fields
// the form does not show are never sent.
export function bodyFor(kind, form, rec) {
  const b = {};
  for (const field of FIELDS[kind]) {
    if (!visible(field, form)) continue;
    const v = apiValue(field, form[field.name]);
    if (field.type === 'resident') {
      if (v !== null) b[field.name] = v;
    } else if (!rec) {
      if (v !== null) b[field.name] = v;
    } else if (JSON.stringify(v) !== JSON.stringify(apiValue(field, formValue(field, rec)))) {
      b[field.name] = v;
    }
  }
  return b;
}

// The departments an account may place records in (its data scope) —
// for an officer's primary department and a department's parent.
export async function scopedDepartments() {
  return (await api.get('/departments', { limit: 1000 })).items || [];
}

// The active departments an officer may also serve: any in the writer's
// region (the server's rule), which is wider than what the writer's own
// department subtree lists; the public list has them.
export async function regionDepartments() {
  const prefix = (session.user && session.user.region_prefix) || undefined;
  return (await api.get('/public/departments', { region_code: prefix, limit: 1000 })).items || [];
}

let names = null;
let namesUser = null;

// id → name of every department the user can name: the public list (all
// active ones) and his scope's, inactive ones too.  Kept for the signed-in
// user until a department is written (forgetDepartments).
export function departmentNames() {
  const user = session.user && session.user.id;
  if (!names || namesUser !== user) {
    namesUser = user;
    names = Promise.all([
      api.get('/public/departments', { limit: 1000 }).catch(() => ({ items: [] })),
      api.get('/departments', { active: 'all', limit: 1000 }).catch(() => ({ items: [] })),
    ]).then(([pub, own]) => new Map([...(pub.items || []), ...(own.items || [])].map((d) => [d.id, d.name])));
    names.catch(() => { names = null; });
  }
  return names;
}

export function forgetDepartments() { names = null; }
