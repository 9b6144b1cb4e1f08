import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DATABASE_URL } from '../../database/database.module';

export type JobHandler<T> = (data: T) => Promise<void>;

interface Registration {
  name: string;
  handler: JobHandler<unknown>;
  cron?: string;
}

/**
 * Background work on pg-boss queues in the same PostgreSQL (ARCHITECTURE §3): no extra server,
 * safe with many app instances. Modules register handlers (and optional cron schedules) in their
 * constructors or onModuleInit; the boss starts once the app has booted.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private boss?: PgBoss;
  private readonly registrations: Registration[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
  ) {}

  get enabled(): boolean {
    return this.config.jobsEnabled;
  }

  get running(): boolean {
    return !!this.boss;
  }

  register<T>(name: string, handler: JobHandler<T>, cron?: string): void {
    this.registrations.push({ name, handler: handler as JobHandler<unknown>, cron });
  }

  /** Runs a registered handler inline (tests, admin "run now"). */
  async runNow(name: string, data: object = {}): Promise<void> {
    const reg = this.registrations.find((r) => r.name === name);
    if (!reg) throw new Error(`no job ${name}`);
    await reg.handler(data);
  }

  async send(name: string, data: object = {}): Promise<string | null> {
    if (!this.boss) throw new Error('jobs are disabled');
    return this.boss.send(name, data);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobsEnabled) return;
    const boss = new PgBoss({ connectionString: this.databaseUrl, max: 3, application_name: 'drp-jobs' });
    boss.on('error', (err) => this.logger.error({ err }, 'pg-boss error'));
    await boss.start();
    for (const reg of this.registrations) {
      await boss.createQueue(reg.name);
      await boss.work(reg.name, async (jobs) => {
        for (const job of jobs) await reg.handler(job.data);
      });
      if (reg.cron) await boss.schedule(reg.name, reg.cron, {}, { tz: this.config.companyTz });
    }
    this.boss = boss;
    this.logger.log(`pg-boss started with ${this.registrations.length} queue(s)`);
  }

  async onApplicationShutdown(): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    if (boss) await boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}
