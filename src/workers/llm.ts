import { startWorkersMain } from './main.js';

startWorkersMain(['llm']);
