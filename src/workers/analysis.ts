import { startWorkersMain } from './main.js';

startWorkersMain(['analysis']);
