-- AlterTable
ALTER TABLE "Connection" ADD COLUMN "verifiedAt" DATETIME;

