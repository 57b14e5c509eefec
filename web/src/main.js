// The web console and public portal of fazhi: Vue 3, Element Plus (its
// Chinese locale), vue-i18n, vue-router in history mode.
import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import './styles.css';

import App from './App.vue';
import { router } from './router.js';
import { i18n } from './i18n/index.js';

const app = createApp(App);
app.use(ElementPlus, { locale: zhCn });
app.use(i18n);
app.use(router);
app.mount('#app');
