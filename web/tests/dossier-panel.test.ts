// The dossier panel as a component: entries as sentences, the reads switch
// (hidden by default, the count said, the choice kept), and an upload's 415
// explained with the gateway's reason.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import DossierPanel from '@/office/DossierPanel.vue';
import { i18n, setLocale } from '@/i18n';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
}

const LEAD = '3f1d9a5e-0000-4000-8000-000000000001';
const INSPECTOR = '7c2e4b10-0000-4000-8000-000000000002';

function entry(seq: number, action: string, actor: string, summary: Record<string, unknown>, name?: string | null) {
  return {
    seq,
    at: '2026-01-02T03:04:05.000Z',
    at_ms: 0,
    actor_id: actor,
    ...(name === undefined ? {} : { actor_name: name }),
    action,
    summary,
    summary_text: JSON.stringify(summary),
    prev_hash: String(seq - 1).repeat(64),
    hash: String(seq).repeat(64),
  };
}

const ENTRIES = [
  entry(1, 'clue.created', 'system:case', { source: 'public_report' }, null),
  entry(2, 'dossier.read', LEAD, { after_seq: '0' }, 'Lead East'),
  entry(3, 'clue.assigned', LEAD, { handler_id: INSPECTOR, previous_handler_id: '' }, 'Lead East'),
  entry(4, 'disposal.proposed', INSPECTOR, { way: 'close', reason: 'no fault' }),
  entry(5, 'dossier.exported', LEAD, {}, 'Lead East'),
];

function answers(url: string): Response {
  if (url.includes('/documents')) return json(200, { items: [] });
  if (url.includes('/dossier/verify')) return json(200, { whole: true, first_bad_seq: null });
  return json(200, { items: ENTRIES, next_cursor: null });
}

async function mountPanel() {
  const w = mount(DossierPanel, {
    props: { base: '/api/v1/clues/c1', canUpload: true, timeline: true, refresh: 0 },
    global: { plugins: [createPinia(), i18n] },
  });
  await flushPromises();
  return w;
}

describe('DossierPanel', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    fetchMock.mockReset();
    fetchMock.mockImplementation((url: string) => Promise.resolve(answers(url)));
    vi.stubGlobal('fetch', fetchMock);
    localStorage.clear();
    setLocale('en');
  });
  afterEach(() => vi.unstubAllGlobals());

  it('writes each entry as a sentence and hides the reads until asked', async () => {
    const w = await mountPanel();
    const sentences = () => w.findAll('[data-test=dossier-sentence]').map((e) => e.text());
    expect(sentences()).toEqual([
      'The system registered the clue (source: Public report)',
      'Lead East assigned the clue to account 7c2e4b10',
      'account 7c2e4b10 proposed a disposal: Close',
    ]);
    expect(w.find('[data-test=reads-hidden]').text()).toContain('2 reads');
    // The number and the hash stay for whoever checks the chain.
    expect(w.find('[data-test=entry-hash]').text()).toBe(`${'1'.repeat(16)}…`);
    expect(w.find('[data-test=chain-verified]').exists()).toBe(true);

    await w.find('[data-test=hide-reads]').trigger('click');
    await flushPromises();
    expect(w.findAll('[data-test=dossier-entry]').map((e) => e.attributes('data-seq'))).toEqual(['1', '2', '3', '4', '5']);
    expect(sentences()[1]).toBe('Lead East read the dossier');
    expect(localStorage.getItem('cg.dossier.hideReads')).toBe('0');
    // The choice holds on the next file opened.
    const again = await mountPanel();
    expect(again.findAll('[data-test=dossier-entry]')).toHaveLength(5);

    setLocale('zh-CN');
    await flushPromises();
    expect(sentences()[2]).toBe('Lead East 将线索交由 账号 7c2e4b10 承办');
  });

  it('explains a refused upload with the gateway reason', async () => {
    const w = await mountPanel();
    const xhr = {
      open: vi.fn(),
      setRequestHeader: vi.fn(),
      getResponseHeader: () => null,
      upload: {} as Record<string, unknown>,
      withCredentials: false,
      status: 415,
      responseText: JSON.stringify({
        status: 415,
        detail: "the document's content is not an accepted type",
        errors: [{ field: 'content', description: 'is not an accepted type' }],
      }),
      onload: null as null | (() => void),
      send() {
        this.onload?.();
      },
    };
    vi.stubGlobal('XMLHttpRequest', function () {
      return xhr;
    });
    const input = w.find('[data-test=upload-input]');
    Object.defineProperty(input.element, 'files', { value: [new File(['x'], 'a.exe')] });
    await input.trigger('change');
    await flushPromises();
    const note = w.find('[data-test=upload-note]').text();
    expect(note).toContain('This file type is not accepted');
    expect(note).toContain("the document's content is not an accepted type (content: is not an accepted type)");
  });
});
