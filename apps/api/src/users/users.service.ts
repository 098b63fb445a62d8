import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { hashPassword } from '../common/crypto';
import { User } from './user.entity';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email: normalizeEmail(email) } });
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  async create(input: { email: string; name: string; password: string; isOperator?: boolean }, em?: EntityManager): Promise<User> {
    const repo = em ? em.getRepository(User) : this.users;
    return repo.save(
      repo.create({ email: normalizeEmail(input.email), name: input.name.trim(), passwordHash: await hashPassword(input.password), isOperator: input.isOperator ?? false }),
    );
  }

  /** Creates the operator, or promotes the account and resets its password. Idempotent. */
  async ensureOperator(email: string, password: string): Promise<User> {
    const existing = await this.findByEmail(email);
    if (!existing) return this.create({ email, name: 'Operator', password, isOperator: true });
    existing.isOperator = true;
    existing.passwordHash = await hashPassword(password);
    existing.failedLoginCount = 0;
    existing.lockedUntil = null;
    return this.users.save(existing);
  }
}
