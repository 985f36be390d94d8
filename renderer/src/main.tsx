import '@gouvfr/dsfr/dist/dsfr.main.min.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ProgressBar } from './components/ProgressBar';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
    <ProgressBar />
  </StrictMode>,
);
