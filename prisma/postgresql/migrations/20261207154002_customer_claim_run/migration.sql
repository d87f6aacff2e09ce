-- AlterTable
ALTER TABLE "CustomerLink" ADD COLUMN     "claimAttempt" INTEGER,
ADD COLUMN     "claimJobId" TEXT;

