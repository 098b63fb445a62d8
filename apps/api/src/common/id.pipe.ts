import { Injectable, PipeTransform } from '@nestjs/common';
import { ApiError } from './api-error';
import { UUID } from './list-query';

/** Route ids are UUIDs; anything else cannot name a record, so it is simply not found. */
@Injectable()
export class IdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw ApiError.notFound();
    return value.toLowerCase();
  }
}
