import { loadEnv } from '../common/config.js';
import { localQueues, startWorkersMain } from './main.js';

startWorkersMain(localQueues(loadEnv()));
