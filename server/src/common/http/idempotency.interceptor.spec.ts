import 'reflect-metadata';
import { CallHandler, ExecutionContext, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { of } from 'rxjs';
import { Idempotent, IdempotencyInterceptor, IdempotentRoute } from './idempotency.interceptor';

class Other implements NestInterceptor {
  intercept(_exec: ExecutionContext, next: CallHandler) {
    return next.handle();
  }
}

class Controller {
  @Idempotent({ replay: 'get' })
  @UseInterceptors(Other)
  above() {}

  @UseInterceptors(Other)
  @Idempotent()
  below() {}

  @Idempotent()
  alone() {}

  plain() {}
}

const interceptorsOf = (name: keyof Controller) => Reflect.getMetadata(INTERCEPTORS_METADATA, Controller.prototype[name]) as unknown[] | undefined;

describe('@Idempotent() puts the idempotency interceptor on its route only, outermost', () => {
  it('before the route’s other interceptors, whichever decorator comes first', () => {
    expect(interceptorsOf('above')).toEqual([IdempotentRoute, Other]);
    expect(interceptorsOf('below')).toEqual([IdempotentRoute, Other]);
    expect(interceptorsOf('alone')).toEqual([IdempotentRoute]);
  });

  it('leaves other routes without any interceptor', () => {
    expect(interceptorsOf('plain')).toBeUndefined();
  });

  it('keeps its options for the interceptor to read', () => {
    expect(Reflect.getMetadata('drp:idempotent', Controller.prototype.above)).toEqual({ replay: 'get' });
    expect(Reflect.getMetadata('drp:idempotent', Controller.prototype.alone)).toEqual({});
  });

  it('the route interceptor hands the call to the process’s one IdempotencyInterceptor', () => {
    const answer = of('done');
    const shared = { intercept: jest.fn().mockReturnValue(answer) } as unknown as IdempotencyInterceptor;
    const exec = {} as ExecutionContext;
    const next = { handle: () => of('x') };
    expect(new IdempotentRoute(shared).intercept(exec, next)).toBe(answer);
    expect(shared.intercept).toHaveBeenCalledWith(exec, next);
  });
});
