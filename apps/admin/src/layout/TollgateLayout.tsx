import type { ReactNode } from 'react';
import { Layout } from 'react-admin';
import { TollgateAppBar } from './TollgateAppBar';

export const TollgateLayout = ({ children }: { children: ReactNode }) => (
  <Layout appBar={TollgateAppBar}>{children}</Layout>
);
