/* The console's entry: Vue, the router, Pinia and the texts. Nothing of
 * Element Plus is imported here; office pages import what they use. */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from '@/App.vue';
import { i18n } from '@/i18n';
import { makeRouter } from '@/router';
import { onUnauthorized } from '@/api/client';
import { useSession } from '@/stores/session';
import '@/styles/base.css';

const app = createApp(App);
const pinia = createPinia();
const router = makeRouter();
app.use(pinia).use(i18n).use(router);

// A call that got 401 ended the session: back to login, then back here.
onUnauthorized(() => {
  const session = useSession(pinia);
  session.forget(true);
  const current = router.currentRoute.value;
  if (current.name !== 'login') void router.push({ name: 'login', query: { redirect: current.fullPath } });
});

document.documentElement.lang = i18n.global.locale.value;
app.mount('#app');
