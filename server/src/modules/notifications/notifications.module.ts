import { Global, Module } from '@nestjs/common';
import { NotificationService } from './notification.service';
import { NotificationsController } from './notifications.controller';
import { WarningsService } from './warnings.service';

/** Global: any module tells users about things through NotificationService, and adds its sign-in warning counts to WarningsService. */
@Global()
@Module({ controllers: [NotificationsController], providers: [NotificationService, WarningsService], exports: [NotificationService, WarningsService] })
export class NotificationsModule {}
