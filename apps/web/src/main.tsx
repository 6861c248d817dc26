// Fonts are bundled: the console never asks the internet for anything.
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { unlockAudioOnFirstGesture } from './audio/alert-tone';
import { setUpI18n } from './i18n/setup';
import { setFrameClock } from './video/frame-clock';
import { simulatedCameraClock } from './video/simulated-camera-clock';

setUpI18n();
unlockAudioOnFirstGesture();

const root = document.getElementById('root');
if (root === null) {
  throw new Error('index.html has no #root element');
}
// Latency readout for cameras that burn in a wall-clock code (the simulated ones); others show none.
setFrameClock(simulatedCameraClock);

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
