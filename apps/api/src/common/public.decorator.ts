import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'tollgate:public';

/** The only way to make a route reachable without credentials. The route-table test lists these. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
