import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { closeAllPools } from '@tollgate/providers';

/** Closes the keep-alive pools to upstreams when the process shuts down. */
@Injectable()
export class UpstreamPools implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await closeAllPools();
  }
}
