/** What the users module announces (ARCHITECTURE §2: auth owns the sign-in sessions and ends them). */
declare module '../../kernel/events' {
  interface DomainEvents {
    /** a user account was disabled: every login of it ends (auth, in the same transaction) */
    UserDisabled: { userId: string };
    /** an administrator set a new password for a user: every login of it ends (auth, in the same transaction) */
    UserPasswordReset: { userId: string };
  }
}

export {};
