import { Global, Module } from '@nestjs/common';
import { NotificationService } from './notification.service';
import { NotificationsController } from './notifications.controller';
import { WarningsService } from './warnings.service';

/** Global: any module tells users about things through NotificationService. */
@Global()
@Module({ controllers: [NotificationsController], providers: [NotificationService, WarningsService], exports: [NotificationService] })
export class NotificationsModule {}
