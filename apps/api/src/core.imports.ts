import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams } from './common/logging';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { buildDataSourceOptions } from './database/data-source';
import { QueuesModule } from './queues/queues.module';

/** What both processes share: config, logging, the database and the queue producers. */
export function coreImports(processName: 'api' | 'worker') {
  return [
    ConfigModule,
    LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => loggerParams(config, processName) }),
    TypeOrmModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => buildDataSourceOptions(config) }),
    QueuesModule,
  ];
}
