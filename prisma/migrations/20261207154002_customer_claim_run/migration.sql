-- AlterTable
ALTER TABLE "CustomerLink" ADD COLUMN "claimAttempt" INTEGER;
ALTER TABLE "CustomerLink" ADD COLUMN "claimJobId" TEXT;

