import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  databaseLocationProblem,
  mountOf,
  nearestRealPath,
  parseMounts,
  uncShareOf,
} from '../../electron/services/desktop/network-share';

const PROC_MOUNTS = [
  'sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0',
  '/dev/nvme0n1p2 / ext4 rw,relatime 0 0',
  '/dev/nvme0n1p3 /home ext4 rw,relatime 0 0',
  '//srv-fichiers.pref.local/partage /mnt/partage cifs rw,relatime,vers=3.1.1,username=agent 0 0',
  '//srv-fichiers/Bureau\\040QRR /mnt/bureau\\040qrr smb3 rw,relatime 0 0',
  'nas:/export/qrr /srv/qrr nfs4 rw,relatime,vers=4.2 0 0',
  'nas:/export/anciens /srv/anciens nfs rw,relatime 0 0',
  'agent@serveur:/donnees /home/agent/distant fuse.sshfs rw,nosuid,nodev 0 0',
  'agent@serveur:/autre /home/agent/autre sshfs rw 0 0',
  // A local disk mounted inside the share: paths under it are local again.
  '/dev/sdb1 /mnt/partage/cle-usb vfat rw 0 0',
  'tmpfs /tmp tmpfs rw 0 0',
].join('\n');

const linux = { platform: 'linux', mounts: PROC_MOUNTS };

describe('database on a network share', () => {
  it('accepts local paths', () => {
    expect(databaseLocationProblem('/home/agent/.config/Tableau de bord QRR/qrr.sqlite', linux)).toBeNull();
    expect(databaseLocationProblem('/tmp/essai.sqlite', linux)).toBeNull();
    expect(databaseLocationProblem('/mnt/partage/cle-usb/qrr.sqlite', linux)).toBeNull();
    // A sibling whose name merely starts like a mount point.
    expect(databaseLocationProblem('/mnt/partage-local/qrr.sqlite', linux)).toBeNull();
    expect(databaseLocationProblem('C:\\Users\\agent\\AppData\\Roaming\\Tableau de bord QRR\\qrr.sqlite', { platform: 'win32' })).toBeNull();
    expect(databaseLocationProblem('\\\\?\\C:\\QRR\\qrr.sqlite', { platform: 'win32' })).toBeNull();
    expect(databaseLocationProblem('D:/QRR/qrr.sqlite', { platform: 'win32' })).toBeNull();
  });

  it('detects cifs, smb3, nfs, nfs4, sshfs and fuse.sshfs mounts on Linux', () => {
    for (const file of [
      '/mnt/partage/qrr.sqlite',
      '/mnt/bureau qrr/93/qrr.sqlite',
      '/srv/qrr/qrr.sqlite',
      '/srv/anciens/x/y/qrr.sqlite',
      '/home/agent/distant/qrr.sqlite',
      '/home/agent/autre/qrr.sqlite',
    ]) {
      expect(databaseLocationProblem(file, linux), file).not.toBeNull();
    }
    const message = databaseLocationProblem('/mnt/bureau qrr/93/qrr.sqlite', linux)!;
    expect(message).toContain('/mnt/bureau qrr/93/qrr.sqlite');
    expect(message).toContain('//srv-fichiers/Bureau QRR (smb3, monté sur /mnt/bureau qrr)');
  });

  it('detects Windows UNC paths, in every spelling', () => {
    for (const file of [
      '\\\\srv-fichiers\\partage\\QRR\\qrr.sqlite',
      '//srv-fichiers/partage/QRR/qrr.sqlite',
      '\\\\?\\UNC\\srv-fichiers\\partage\\qrr.sqlite',
      '\\\\10.0.0.5\\d$\\qrr.sqlite',
    ]) {
      expect(databaseLocationProblem(file, { platform: 'win32' }), file).not.toBeNull();
    }
    expect(uncShareOf('\\\\?\\UNC\\srv-fichiers\\partage\\qrr.sqlite')).toBe('\\\\srv-fichiers\\partage');
    expect(uncShareOf('//srv/p/qrr.sqlite')).toBe('\\\\srv\\p');
    expect(uncShareOf('\\\\.\\PhysicalDrive0')).toBeNull();
  });

  it('explains the risk and the way out, in French', () => {
    const message = databaseLocationProblem('\\\\srv-fichiers\\partage\\qrr.sqlite', { platform: 'win32' })!;
    expect(message).toContain('partage réseau');
    expect(message).toContain('\\\\srv-fichiers\\partage');
    expect(message).toMatch(/perdre des saisies|endommager/);
    expect(message).toContain('dossier local');
    expect(message).toContain('sauvegardes');
  });

  it('follows the real path (a symbolic link or a mapped drive pointing at a share)', () => {
    const realpath = (file: string) => file.replace(/^Z:/i, '\\\\srv-fichiers\\partage');
    expect(databaseLocationProblem('Z:\\QRR\\qrr.sqlite', { platform: 'win32', realpath })).toContain('Z:\\QRR\\qrr.sqlite');
    expect(databaseLocationProblem('Z:\\QRR\\qrr.sqlite', { platform: 'win32' })).toBeNull();
    const toShare = () => '/mnt/partage/qrr.sqlite';
    expect(databaseLocationProblem('/home/agent/lien/qrr.sqlite', { ...linux, realpath: toShare })).not.toBeNull();
    const throwing = () => {
      throw new Error('EACCES');
    };
    expect(databaseLocationProblem('/srv/qrr/qrr.sqlite', { ...linux, realpath: throwing })).not.toBeNull();
  });

  it('says nothing when it cannot tell (other systems, unreadable mounts)', () => {
    expect(databaseLocationProblem('/Volumes/partage/qrr.sqlite', { platform: 'darwin' })).toBeNull();
    expect(databaseLocationProblem('/mnt/partage/qrr.sqlite', { platform: 'linux', mounts: '' })).toBeNull();
    expect(databaseLocationProblem('/mnt/partage/qrr.sqlite', { platform: 'linux', mounts: 'n\u2019importe quoi\n\n' })).toBeNull();
  });

  it('takes the most specific mount, and the last one mounted on the same point', () => {
    const mounts = parseMounts(PROC_MOUNTS);
    expect(mountOf('/mnt/partage/cle-usb/a', mounts)?.type).toBe('vfat');
    expect(mountOf('/mnt/partage', mounts)?.type).toBe('cifs');
    expect(mountOf('/etc/passwd', mounts)?.mountPoint).toBe('/');
    const stacked = parseMounts('/dev/sda1 /data ext4 rw 0 0\nnas:/x /data nfs rw 0 0');
    expect(mountOf('/data/qrr.sqlite', stacked)?.type).toBe('nfs');
    // A workstation booted from NFS: everything is on the network.
    expect(databaseLocationProblem('/home/a/qrr.sqlite', { platform: 'linux', mounts: 'srv:/root / nfs rw 0 0' })).not.toBeNull();
  });

  it("reads this machine's /proc/mounts when none is given, without failing", () => {
    expect(() => databaseLocationProblem(path.join(os.tmpdir(), 'qrr.sqlite'), { platform: process.platform })).not.toThrow();
  });
});

describe('nearestRealPath', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-chemin-')));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resolves symbolic links in the existing part of a path that does not exist yet', () => {
    fs.mkdirSync(path.join(dir, 'vrai'));
    fs.symlinkSync(path.join(dir, 'vrai'), path.join(dir, 'lien'));
    expect(nearestRealPath(path.join(dir, 'lien', 'QRR', 'qrr.sqlite'))).toBe(path.join(dir, 'vrai', 'QRR', 'qrr.sqlite'));
    expect(nearestRealPath(path.join(dir, 'vrai'))).toBe(path.join(dir, 'vrai'));
  });
});
