import { render } from 'preact';
import { App } from './app';
import { startLive } from './live';
import { loadSession } from './session';
import './styles.css';

void loadSession();
startLive();
render(<App />, document.getElementById('app')!);
