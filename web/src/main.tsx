import { render } from 'preact';
import { App } from './app';
import { startLive } from './live';
import { installAdBreaks, serverAdSource } from './music/AdBreak';
import { loadSession } from './session';
import './styles.css';
import './music/music.css';
import './shop/shop.css';

void loadSession();
startLive();
installAdBreaks(serverAdSource);
render(<App />, document.getElementById('app')!);
