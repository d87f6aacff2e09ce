-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "verifiedAt" TIMESTAMP(3);

