// The public report form as a component: rules checked before sending, the
// gateway's field errors shown beside their fields, the receipt shown once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import ReportPage from '@/public/ReportPage.vue';
import { i18n, setLocale } from '@/i18n';
import { routes } from '@/router';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
}

async function mountAt(url: string) {
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(url);
  await router.isReady();
  return mount(ReportPage, { global: { plugins: [createPinia(), i18n, router] } });
}

async function fillValid(w: Awaited<ReturnType<typeof mountAt>>) {
  await w.find('select[name=category]').setValue('funds');
  await w.find('textarea[name=content]').setValue('Money for line repairs was paid to a shell company.');
}

describe('ReportPage', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
    // jsdom does not scroll; the page scrolls up to show the receipt.
    vi.stubGlobal('scrollTo', vi.fn());
    setLocale('en');
  });
  afterEach(() => vi.unstubAllGlobals());

  it('sends nothing while the form is invalid, and says why in place', async () => {
    const w = await mountAt('/report');
    await w.find('form').trigger('submit');
    expect(fetchMock).not.toHaveBeenCalled();
    expect(w.find('[data-test=form-error]').exists()).toBe(true);
    expect(w.findAll('.pub-error').map((e) => e.text())).toContain('Required.');
    // A message already shown follows a language switch.
    setLocale('zh-CN');
    await flushPromises();
    expect(w.find('[data-test=form-error]').text()).toBe('部分内容需要修改，请查看各项旁的提示。');
    expect(w.findAll('.pub-error').map((e) => e.text())).toContain('必填。');
  });

  it("shows the gateway's field errors beside their fields", async () => {
    fetchMock.mockResolvedValueOnce(
      json(400, {
        status: 400,
        code: 'INVALID_ARGUMENT',
        detail: 'invalid request',
        errors: [{ field: 'location', description: 'must be at most 200 characters' }],
      }),
    );
    const w = await mountAt('/report');
    await fillValid(w);
    await w.find('form').trigger('submit');
    await flushPromises();
    const location = w.find('input[name=location]').element.closest('label');
    expect(location?.textContent).toContain('must be at most 200 characters');
    expect(w.find('[data-test=form-error]').text()).toContain('see the notes beside them');
  });

  it('sends to the default unit after the gateway refused the QR code\'s unit', async () => {
    // The unit lookup knows no such code: the page shows the code itself.
    fetchMock.mockResolvedValueOnce(json(404, { status: 404, code: 'NOT_FOUND', detail: 'no such unit' }));
    fetchMock.mockResolvedValueOnce(
      json(400, { status: 400, errors: [{ field: 'unit_code', description: 'is not a known org unit' }] }),
    );
    fetchMock.mockResolvedValueOnce(
      json(201, { report_id: 'r', receipt: '1234567890123456', status: 'received', submitted_at: 'x' }),
    );
    const w = await mountAt('/report?unit=nowhere');
    await flushPromises();
    expect(w.find('[data-test=report-unit]').text()).toContain('unit nowhere');
    await fillValid(w);
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(w.find('[data-test=form-error]').text()).toContain('(nowhere) that is not known');
    expect(w.find('[data-test=receipt]').exists()).toBe(false);
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/public/units/nowhere');
    expect(JSON.parse(fetchMock.mock.calls[1][1].body).unit_code).toBe('nowhere');
    expect(JSON.parse(fetchMock.mock.calls[2][1].body).unit_code).toBeUndefined();
    expect(w.find('[data-test=receipt]').exists()).toBe(true);
  });

  it('sends the unit of the QR link with an Idempotency-Key, and shows the receipt once', async () => {
    fetchMock.mockResolvedValueOnce(json(200, { code: 'east', name: 'East branch', name_zh: '华东分部' }));
    fetchMock.mockResolvedValueOnce(
      json(201, { report_id: 'r', receipt: '1234567890123456', status: 'received', submitted_at: 'x' }),
    );
    const w = await mountAt('/report?unit=east&channel=qr');
    await flushPromises();
    // The unit by its name in the page's language, not its code.
    expect(w.find('[data-test=report-unit]').text()).toBe('This report goes to unit East branch.');
    setLocale('zh-CN');
    await flushPromises();
    expect(w.find('[data-test=report-unit]').text()).toContain('华东分部');
    setLocale('en');
    await fillValid(w);
    await w.find('form').trigger('submit');
    await flushPromises();
    const [, init] = fetchMock.mock.calls[1];
    expect(JSON.parse(init.body)).toMatchObject({ unit_code: 'east', anonymous: true, category: 'funds' });
    expect(init.headers['Idempotency-Key'].length).toBeGreaterThanOrEqual(32);
    expect(w.find('[data-test=receipt]').text()).toBe('1234 5678 9012 3456');
    expect(w.find('[role=alert]').text()).toContain('cannot be recovered');
    // Leaving the receipt for another report forgets it.
    await w.findAll('button').find((b) => b.text() === 'Send another report')!.trigger('click');
    expect(w.find('[data-test=receipt]').exists()).toBe(false);
    expect(w.html()).not.toContain('1234567890123456');
  });
});
