import { spawnLauncher, type LauncherProcess } from '../../support/launcher-process.ts';

/** `npm start` with SERVICES=projections, run by node directly so that SIGKILL reaches the launcher itself. */
export type ProjectorProcess = LauncherProcess;

export function spawnProjector(options: { esdbUrl: string; databaseUrl: string; dataDir: string }): ProjectorProcess {
  return spawnLauncher({
    name: 'projector',
    services: ['projections'],
    dataDir: options.dataDir,
    env: { ESDB_URL: options.esdbUrl, DATABASE_URL: options.databaseUrl },
  });
}
