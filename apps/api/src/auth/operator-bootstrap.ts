import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';

/** Creates (or re-asserts) the platform operator from OPERATOR_EMAIL / OPERATOR_PASSWORD at start. */
@Injectable()
export class OperatorBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Operator');

  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.get('OPERATOR_EMAIL');
    const password = this.config.get('OPERATOR_PASSWORD');
    if (!email || !password) return;
    try {
      const user = await this.users.ensureOperator(email, password);
      this.logger.log({ userId: user.id, email: user.email }, 'operator account ensured');
    } catch (err) {
      // Two API processes starting together may race on the insert; the other one wins.
      this.logger.warn({ err: (err as Error).message }, 'could not ensure the operator account');
    }
  }
}
