import { SetMetadata } from '@nestjs/common';
import type { JobName } from './queue.constants';

export const JOB_HANDLER = 'tollgate:job-handler';

/** Marks a provider method as the handler of one job name. The worker checks: exactly one each. */
export const JobHandler = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER, name);
