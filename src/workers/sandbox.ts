import { startWorkersMain } from './main.js';

startWorkersMain(['sandbox']);
