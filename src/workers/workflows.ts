import { startWorkersMain } from './main.js';

startWorkersMain(['workflows']);
