import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import './tables.css';
import './details.css';
import './views.css';
import { App } from './app.js';

const root = document.getElementById('app');
if (root) render(<App />, root);
