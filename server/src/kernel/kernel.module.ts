import { Global, Module } from '@nestjs/common';
import { DocumentKernel } from './document-kernel.service';
import { EventBus } from './events';
import { OutboxService } from './outbox.service';

/** Global: every document module registers its machine with the kernel, publishes and subscribes to events, and queues crash-proof work. */
@Global()
@Module({ providers: [DocumentKernel, EventBus, OutboxService], exports: [DocumentKernel, EventBus, OutboxService] })
export class KernelModule {}
