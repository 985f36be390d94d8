import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OPENED_FILE_MAX_BYTES,
  createOpenedFileQueue,
  filesFromCommandLine,
  isOpenableFileName,
  queueRefusal,
  readOpenedFile,
} from '../../electron/services/desktop/open-file';
import { DomainError } from '../../shared/ipc/result';

let dir: string;
/** Real files, as the shell would find them. */
const file = (relative: string, content: string | Buffer = '{}'): string => {
  const full = path.join(dir, relative);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
  return full;
};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-open-file-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const EXE = '/opt/Tableau de bord QRR/tableau-de-bord-qrr';

describe('the file named on a command line', () => {
  it('takes an exchange file given to the packaged executable (first launch)', () => {
    const exchange = file('premier/echange-93.qrr');
    expect(filesFromCommandLine([EXE, exchange], { workingDirectory: '/' })).toEqual([exchange]);
  });

  it('resolves a relative path against the working directory of the instance that received it', () => {
    const exchange = file('relatif/sous-dossier/echange.qrr');
    const cwd = path.join(dir, 'relatif');
    expect(filesFromCommandLine([EXE, 'sous-dossier/echange.qrr'], { workingDirectory: cwd })).toEqual([exchange]);
    // Not against this process's own directory.
    expect(filesFromCommandLine([EXE, 'sous-dossier/echange.qrr'], { workingDirectory: dir })).toEqual([]);
  });

  it('ignores Electron/Chromium switches wherever Chromium puts them (second instance on Windows)', () => {
    const exchange = file('switches/echange.qrr');
    const argv = [EXE, '--allow-file-access-from-files', '--original-process-start-time=13379876543210', exchange, '--lang=fr-FR', '-v'];
    expect(filesFromCommandLine(argv, { workingDirectory: dir })).toEqual([exchange]);
  });

  it('does not take the database given with --db PATH (or --db=PATH) for a document', () => {
    const lookalike = file('db/base.qrr');
    const exchange = file('db/echange.qrr');
    expect(filesFromCommandLine([EXE, '--db', lookalike, exchange], { workingDirectory: dir })).toEqual([exchange]);
    expect(filesFromCommandLine([EXE, `--db=${lookalike}`], { workingDirectory: dir })).toEqual([]);
  });

  it('skips the executable, and in development (`electron <app>`) the application path too', () => {
    const exchange = file('dev/echange.qrr');
    const appFolder = path.join(dir, 'dev');
    expect(filesFromCommandLine(['/usr/lib/electron/electron', '.', exchange], { workingDirectory: appFolder, defaultApp: true })).toEqual([exchange]);
    // argv[1] is the application even when it looks like a document; argv[0] is never one.
    expect(filesFromCommandLine(['/usr/lib/electron/electron', exchange], { workingDirectory: dir, defaultApp: true })).toEqual([]);
    expect(filesFromCommandLine([exchange], { workingDirectory: dir })).toEqual([]);
  });

  it('ignores missing files, folders and other kinds of files', () => {
    const folder = path.join(dir, 'kinds', 'dossier.qrr');
    fs.mkdirSync(folder, { recursive: true });
    const others = [file('kinds/notes.txt'), file('kinds/donnees.json'), file('kinds/qrr.sqlite'), file('kinds/ancien.xls'), file('kinds/.qrr')];
    const missing = path.join(dir, 'kinds', 'absent.qrr');
    expect(filesFromCommandLine([EXE, folder, missing, ...others], { workingDirectory: dir })).toEqual([]);
  });

  it('accepts .qrr (any case), .qrr.json of earlier versions, report PDFs and workbooks, in order, once each', () => {
    const accepted = [file('ok/a.QRR'), file('ok/b.qrr.json'), file('ok/rapport.pdf'), file('ok/classeur.xlsx')];
    expect(filesFromCommandLine([EXE, ...accepted, accepted[0]!], { workingDirectory: dir })).toEqual(accepted);
  });

  it('converts the file: URLs that Linux desktop entries pass (%U), and ignores other URLs', () => {
    const exchange = file('url/Échange de la préfecture.qrr');
    const url = pathToFileURL(exchange).href;
    expect(url).toMatch(/%20/);
    expect(filesFromCommandLine([EXE, url, 'https://exemple.fr/echange.qrr', 'file:///nulle/part.qrr'], { workingDirectory: dir })).toEqual([exchange]);
  });

  it('survives an unquoted executable path with spaces split into pieces (Windows association command)', () => {
    const exchange = file('win/echange.qrr');
    const argv = ['C:\\Users\\jean', 'dupont\\AppData\\Local\\Programs\\tableau-de-bord-qrr\\Tableau', 'de', 'bord', 'QRR.exe', exchange];
    expect(filesFromCommandLine(argv, { workingDirectory: dir })).toEqual([exchange]);
  });

  it('reads arguments after a bare `--` as documents, even when they start with a dash', () => {
    const odd = file('dash/-odd.qrr');
    expect(filesFromCommandLine([EXE, '--', '-odd.qrr'], { workingDirectory: path.join(dir, 'dash') })).toEqual([odd]);
    expect(filesFromCommandLine([EXE, '-odd.qrr'], { workingDirectory: path.join(dir, 'dash') })).toEqual([]);
  });

  it('asks the given isFile, not the disk, when one is given', () => {
    const asked: string[] = [];
    const found = filesFromCommandLine([EXE, 'x.qrr', 'y.pdf'], {
      workingDirectory: '/travail',
      isFile: (candidate) => (asked.push(candidate), candidate.endsWith('.pdf')),
    });
    expect(asked).toEqual([path.resolve('/travail', 'x.qrr'), path.resolve('/travail', 'y.pdf')]);
    expect(found).toEqual([path.resolve('/travail', 'y.pdf')]);
  });

  it('knows the accepted names', () => {
    for (const name of ['a.qrr', 'A.QRR', 'a.qrr.json', 'r.PDF', 'c.xlsx']) expect(isOpenableFileName(name), name).toBe(true);
    for (const name of ['.qrr', 'a.json', 'a.qrr.txt', 'a.xls', 'a.xlsm', 'qrr', '']) expect(isOpenableFileName(name), name).toBe(false);
  });
});

describe('the queue of files waiting for the window', () => {
  it('gives the files back oldest first, each once, then null', () => {
    const queue = createOpenedFileQueue();
    expect(queue.push('/a/un.qrr')).toBe('queued');
    expect(queue.push('/a/deux.pdf')).toBe('queued');
    expect(queue.push('/a/un.qrr')).toBe('already-waiting');
    expect(queue.size).toBe(2);
    expect(queue.take()).toBe('/a/un.qrr');
    expect(queue.take()).toBe('/a/deux.pdf');
    expect(queue.take()).toBeNull();
    expect(queue.size).toBe(0);
    // Taken, it may be queued again (opened a second time).
    expect(queue.push('/a/un.qrr')).toBe('queued');
  });

  it('refuses relative paths, other kinds of files and a full queue, with a French reason for the user', () => {
    const queue = createOpenedFileQueue(2);
    expect(queue.push('relatif.qrr')).toBe('not-openable');
    expect(queue.push('/a/notes.txt')).toBe('not-openable');
    expect(queue.push('/a/1.qrr')).toBe('queued');
    expect(queue.push('/a/2.qrr')).toBe('queued');
    expect(queue.push('/a/3.qrr')).toBe('queue-full');
    expect(queue.size).toBe(2);
    expect(queueRefusal('not-openable')).toMatch(/Sont acceptés : les fichiers d'échange \(\.qrr\), les rapports PDF/);
    expect(queueRefusal('queue-full')).toMatch(/Trop de fichiers attendent/);
    expect(queueRefusal('queued')).toBeNull();
    expect(queueRefusal('already-waiting')).toBeNull();
  });
});

describe('reading a queued file for the window', () => {
  const refusal = (action: () => unknown): DomainError => {
    try {
      action();
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('not refused');
  };

  it('sends its name and exact bytes', () => {
    const bytes = Buffer.concat([Buffer.from('\uFEFF{"département":"93"}', 'utf8'), Buffer.from([0, 255, 128])]);
    const exchange = file('lecture/Échange 93.qrr', bytes);
    const read = readOpenedFile(exchange);
    expect(read.fileName).toBe('Échange 93.qrr');
    expect(Buffer.from(read.contentBase64, 'base64').equals(bytes)).toBe(true);
  });

  it('refuses, in French, a file gone since it was queued, and a folder', () => {
    const gone = refusal(() => readOpenedFile(path.join(dir, 'lecture', 'parti.qrr')));
    expect(gone.code).toBe('NOT_FOUND');
    expect(gone.message).toMatch(/^Le fichier « parti\.qrr » est introuvable/);
    fs.mkdirSync(path.join(dir, 'lecture', 'dossier.qrr'), { recursive: true });
    expect(refusal(() => readOpenedFile(path.join(dir, 'lecture', 'dossier.qrr'))).message).toMatch(/n'est pas un fichier/);
  });

  it('refuses a file above the limit without reading it; the limit itself passes', () => {
    const atLimit = file('taille/juste.qrr', Buffer.alloc(1000, 0x20));
    expect(Buffer.from(readOpenedFile(atLimit, 1000).contentBase64, 'base64')).toHaveLength(1000);
    const tooLarge = refusal(() => readOpenedFile(atLimit, 999));
    expect(tooLarge.code).toBe('VALIDATION');
    expect(tooLarge.message).toMatch(/« juste\.qrr » dépasse/);

    // The real limit, the exchange import's (200 Mo), on a sparse file (nothing written to disk, nothing read).
    expect(OPENED_FILE_MAX_BYTES).toBe(200 * 1024 * 1024);
    const huge = file('taille/enorme.pdf', '');
    fs.truncateSync(huge, OPENED_FILE_MAX_BYTES + 1);
    expect(refusal(() => readOpenedFile(huge)).message).toBe('Le fichier « enorme.pdf » dépasse 200 Mo : il ne peut pas être ouvert.');
  });
});
